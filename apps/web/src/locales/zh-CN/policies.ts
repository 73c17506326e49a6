import type { Catalogue } from '../../i18n';
import type en from '../en/policies';

const zh: Catalogue<typeof en> = {
  title: '策略配置',
  list: {
    title: '现行策略',
    intro: '修改后各服务会在数秒内生效，无需重启。版本 0 为服务启动时读取的配置文件。',
  },
  kinds: {
    classification: '分类规则',
    deadlines: '时限',
    'routing-rules': '分派规则',
    organisation: '组织架构',
    'kpi-targets': 'KPI 目标',
    'qa-sampling': '质检抽样',
    'qa-rubric': '质检评分标准',
  },
  col: { policy: '策略', version: '版本', changedBy: '修改人', why: '原因', when: '时间' },
  fromFile: '配置文件（尚未修改）',
  history: { title: '{{policy}}：修改记录', file: '服务启动时的配置文件' },
  edit: {
    title: '修改{{policy}}',
    form: '修改策略',
    onVersion: '本次修改基于版本 {{version}}。',
    document: '策略内容（JSON）',
    documentHint: '完整的策略，与配置文件格式相同。服务会校验内容，并指出不符合要求的字段。',
    reason: '修改原因（将记录在案）',
    reasonHint: '必填：修改记录中会与您的姓名一同显示。',
    submit: '保存为新版本',
  },
  saved: '已保存为版本 {{version}}，各服务将在数秒内生效。',
  notJson: '策略内容不是有效的 JSON。',
  notJsonDetail: '策略内容不是有效的 JSON：{{detail}}',
  stale: '在此期间已有他人修改了该策略，本次修改未保存。请重新加载，查看最新版本后再在其基础上修改。',
  reload: '重新加载策略',
};
export default zh;
