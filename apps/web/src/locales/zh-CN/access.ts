import type { Catalogue } from '../../i18n';
import type en from '../en/access';

const zh: Catalogue<typeof en> = {
  ask: {
    title: '查阅联系方式需经批准',
    explain: '您在此工单上的工作本身不需要客户的联系方式。如确有需要，请说明用途，由您的部门经理或管理层批准。',
    purpose: '查阅联系方式的用途',
    purposeHint: '至少 10 个字符；审批人会看到，并记入工单历史',
    submit: '申请查阅',
    sent: '已提交申请，等待批准。',
    pending: '您的申请正在等待部门经理或管理层批准。',
    checkAgain: '刷新状态',
    refused: '您的申请被拒绝：{{reason}}',
    askAgain: '重新申请',
    approved: '已批准，有效期至 {{until}}。',
    showApproved: '显示联系方式',
    inClearUntil: '明文显示至 {{until}}；本次查看已记入工单历史。',
    ended: '批准已到期；如仍需要，请重新申请。',
  },
  pending: {
    title: '待审批的查阅申请',
    refresh: '刷新',
    ticket: '工单 {{ticket}}',
    who: '{{who}}（{{role}}）',
    approve: '批准',
    refuse: '拒绝',
    refuseReason: '拒绝的原因',
    confirmRefuse: '以此原因拒绝',
    cancel: '取消',
    approvedFlash: '已批准：{{who}} 可在规定时间内查阅工单 {{ticket}} 的联系方式。',
    refusedFlash: '已拒绝：已告知 {{who}} 原因。',
  },
};
export default zh;
