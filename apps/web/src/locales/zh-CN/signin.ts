import type { Catalogue } from '../../i18n';
import type en from '../en/signin';

const zh: Catalogue<typeof en> = {
  tagline: '客户工单的每一次交接，都有据可查。',
  form: '登录',
  devLegend: '开发环境登录（本地凭据）',
  role: '角色',
  department: '业务部门',
  userId: '用户 ID',
  userIdHint: '本部门人员，或任意 ID',
  tokenOr: '或使用为您签发的令牌',
  token: '为您签发的令牌',
  submit: '登录',
  failed: '登录失败。',
  withProvider: '使用组织账号登录',
  providerHint: '您在组织的身份提供方处登录；Handoff 不会看到您的密码。',
  refused: {
    unmapped: '您的组织账号在 Handoff 中没有角色。',
    expired: '登录耗时过长，或并非从此处发起。请重新登录。',
    failed: '登录未能完成。',
  },
  refusedDetail: '原因：{{detail}}。',
  unmappedHint: '请联系管理员为您的账号分配 Handoff 角色（组或声明）。',
};
export default zh;
