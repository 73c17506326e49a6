import type { Catalogue } from '../../i18n';
import type en from '../en/department';

const zh: Catalogue<typeof en> = {};
export default zh;
