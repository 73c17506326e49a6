import type { Catalogue } from '../../i18n';
import type en from '../en/subrequests';

const zh: Catalogue<typeof en> = {
  title: '协办部门',
  none: '本工单尚未请其他部门协办。',
  status: {
    awaiting_handler: '待指定经办人',
    in_progress: '处理中',
    answered: '已答复',
    closed: '管理层已关闭',
  },
  of: '请 {{department}} 协办',
  asked: '协办事项',
  handler: '负责人：{{handler}}',
  noHandler: '尚无人负责',
  due: '答复时限',
  answer: '答复',
  closedWhy: '未答复即关闭',
  resultWaits: '工单的处理结果须等待 {{departments}} 答复：全部答复后，或管理层关闭未答复的协办请求后，才会交给客服。',
  claim: '认领此协办请求',
  claimed: '此协办请求已由您负责。',
  progress: {
    title: '协办进展',
    note: '协办进展说明',
    submit: '提交进展',
    done: '进展已提交。',
  },
  answerForm: {
    title: '答复协办请求',
    summary: '本部门的答复',
    hint: '答复将随工单的处理结果交给客服',
    submit: '提交答复',
    done: '已答复：承办部门和客服将看到您的答复。',
  },
  close: {
    title: '不再等待此答复',
    reason: '管理层关闭的原因',
    submit: '关闭协办请求',
    done: '已关闭：工单的处理结果不再等待此协办请求。',
  },
  ask: {
    title: '请其他部门协办',
    department: '协办部门',
    choose: '请选择部门…',
    reason: '请协办的事项',
    hint: '协办部门另行指定经办人、另计时限；处理结果将等待其答复',
    submit: '发起协办',
    done: '已请 {{department}} 协办；工单的处理结果将等待其答复。',
  },
  queue: {
    title: '其他部门请 {{department}} 协办（{{count}}）',
    from: '{{department}} 承办的工单',
    open: '打开',
  },
};

export default zh;
