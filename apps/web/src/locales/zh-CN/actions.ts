import type { Catalogue } from '../../i18n';
import type en from '../en/actions';

const zh: Catalogue<typeof en> = {
  title: '需要您落实的整改措施',
  none: '暂无需要您落实的整改措施。',
  ticket: '工单 {{ticket}}',
  requiredBy: '{{who}} 于 {{when}} 提出',
  due: '截止 {{when}}',
  doneBy: '已于 {{when}} 完成：{{note}}',
  verifiedEffective: '质检已于 {{when}} 核验：整改有效。',
  reopened: '质检于 {{when}} 退回重新整改：{{note}}',
  status: { open: '待整改', completed: '已完成，待质检核验', verified: '已核验' },
  markDone: '标记为已完成',
  whatWasDone: '整改情况',
  whatWasDoneHint: '质检核验时会阅读此说明。',
  submit: '提交整改情况',
  cancel: '取消',
  recorded: '已记录为完成，等待质检核验。',
};
export default zh;
