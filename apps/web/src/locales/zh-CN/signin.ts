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
};
export default zh;
