import type { Catalogue } from '../../i18n';
import type en from '../en/cs';

const zh: Catalogue<typeof en> = {};
export default zh;
