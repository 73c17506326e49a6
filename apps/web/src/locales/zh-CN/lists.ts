import type { Catalogue } from '../../i18n';
import type en from '../en/lists';

const zh: Catalogue<typeof en> = {
  loadMore: '加载更多（已显示 {{shown}} 条）',
  loadingMore: '加载中…',
  allShown: '已全部显示，共 {{shown}} 条。',
  due: '{{when}} 到期',
  dueBusinessHours: '{{when}} 到期（按工作时间计）',
  ticket: '工单',
  ticketsMatch: '共 {{count}} 个工单符合条件。',
  queueOrder: '按紧急程度排序：{{description}}。',
  queueOrderModes: {
    deadline_with_priority_lead: '按最近的时限排序，高优先级提前计算',
    priority_then_deadline: '先按优先级，再按最早的时限',
  },
  worklist: {
    title: '待客服处理（{{n}}）',
    titleLoading: '待客服处理',
    show: '显示',
    everything: '全部待办',
    results: '待回访确认的结果',
    late: '进度超时',
    mine: '只看我受理的',
    noneFiltered: '没有符合筛选条件的工单。',
    none: '没有待办：所有结果均已确认，各部门均在时限内。',
    tableLabel: '待客服处理，等待最久的在前',
    waiting: '已等待',
    customer: '客户',
    department: '部门',
    arrived: '到达内容',
    action: '操作',
    result: '处理结果',
    lateProgress: '进度超时',
    notReached: '{{count}} 次未联系上',
    escalatedTo: '已升级至{{level}}',
    firstContact: '客服（首次接触）',
    followUp: '回访',
    details: '详情',
    round: '第 {{round}} 轮',
  },
};
export default zh;
