import type { Catalogue } from '../../i18n';
import type en from '../en/notifications';

const zh: Catalogue<typeof en> = {
  button: '通知',
  buttonUnread: '通知（{{count}} 条未读）',
  title: '通知',
  none: '暂无新通知。',
  markRead: '全部标为已读',
  more: '更早的通知',
  open: '打开工单 {{ticket}}',
  kinds: {
    mentioned: '{{actor}} 在备注中提及了您',
    mentionedDepartment: '{{actor}} 在备注中提及了您的部门',
    assigned: '工单 {{ticket}} 已分派给您',
    result_arrived: '工单 {{ticket}} 的处理结果已送达',
    update_requested: '管理层 {{actor}} 询问工单 {{ticket}} 的最新进展',
    customer_answered: '客户已就工单 {{ticket}} 答复（{{actor}} 记录）',
    update_given: '部门已回复您对工单 {{ticket}} 进展的询问',
    first_response_due: '工单 {{ticket}} 须在 {{due}} 前首次回复',
    resolution_due: '工单 {{ticket}} 须在 {{due}} 前办结',
    watched_change: '{{actor}} 更新了您关注的工单 {{ticket}}',
  },
};
export default zh;
