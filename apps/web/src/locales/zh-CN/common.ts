import type { Catalogue } from '../../i18n';
import type en from '../en/common';

const zh: Catalogue<typeof en> = {
  loading: '加载中…',
  skipToContent: '跳到正文',
  screensNav: '页面',
  signOut: '退出登录',
  noScreen: '此角色没有可用的页面。',
  screens: {
    cs: '客服',
    department: '部门工单队列',
    management: '管理层',
    qa: '质检',
    auditor: '审计',
  },
  roles: {
    cs: '客服专员',
    department_handler: '业务部门经办人',
    department_manager: '业务部门负责人',
    management: '管理层',
    qa: '质检员',
    auditor: '审计员',
  },
};
export default zh;
