import i18next, { type TFunction } from 'i18next';
import type { FieldError } from '@handoff/contracts';
import { en } from './en';
import { zhCN } from './zh-CN';

/**
 * What the services say to a person, in the language of the request's `Accept-Language`
 * (Simplified Chinese or English; English when neither is asked for). Validation checks keep
 * what failed as data (`FieldError.issue`); this is where it becomes a sentence naming the field.
 */
export const MESSAGE_LANGUAGES = ['en', 'zh-CN'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

const messages = i18next.createInstance();
void messages.init({
  resources: { en: { server: en }, 'zh-CN': { server: zhCN } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...MESSAGE_LANGUAGES],
  load: 'currentOnly',
  ns: ['server'],
  defaultNS: 'server',
  // Field paths are dotted (`customer.phone`): keys are flat, not nested.
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
  interpolation: { escapeValue: false },
});
messages.services.formatter?.add('capitalise', (value: unknown, language: string | undefined) => {
  const text = String(value);
  return language?.startsWith('en') ? text.charAt(0).toUpperCase() + text.slice(1) : text;
});

/** The best of our languages for an `Accept-Language` header (`zh-CN,zh;q=0.9,en;q=0.8`). */
export function languageOf(acceptLanguage: string | string[] | undefined | null): MessageLanguage {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

function translator(language: MessageLanguage): TFunction {
  return messages.getFixedT(language);
}

/** Fields chosen from a list (a select, radio buttons) are "chosen", not "written". */
const CHOSEN = new Set(['channel', 'type', 'priority', 'satisfied', 'role', 'department', 'toDepartment', 'handlerId', 'status', 'outcome', 'category', 'cause']);

/** The field's name for a sentence: "the phone number" / "电话号码"; any other field still named. */
export function fieldLabel(field: string, language: MessageLanguage): string {
  const t = translator(language);
  if (field === '(root)') return t('field.root');
  return t(`field.${field}`, { defaultValue: t('field.generic', { field }) });
}

// "must be …", "is not …": a check's own words that read on after the field's name.
const PREDICATE = /^(is|are|must|may|should|can|cannot|has|needs)\b/i;

/** One field's refusal as a sentence in `language`, naming the field. */
export function fieldMessage(error: FieldError, language: MessageLanguage): string {
  const t = translator(language);
  const label = fieldLabel(error.field, language);
  const issue = error.issue;
  const ownWords = () => t(PREDICATE.test(error.message) ? 'own_words.predicate' : 'own_words.other', { label, message: error.message.replace(/[.。]\s*$/, '') });
  if (!issue) return ownWords();
  const leaf = error.field.split('.').pop() ?? error.field;
  if (issue.missing) {
    const key = CHOSEN.has(leaf) ? 'required.choice' : issue.origin === 'string' || issue.expected === 'string' ? 'required.text' : 'required.value';
    return t(key, { label });
  }
  switch (issue.code) {
    case 'unknown_field':
      return t('unknown_field', { field: error.field });
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'file' && issue.code === 'too_big') return t('too_big.file', { label, size: bytesAsText(issue.maximum ?? 0) });
      const kind = issue.origin === 'string' || issue.origin === 'number' ? issue.origin : 'other';
      return t(`${issue.code}.${kind}`, { label, minimum: issue.minimum, maximum: issue.maximum });
    }
    case 'invalid_type': {
      const kind = ['int', 'number', 'boolean', 'string', 'object'].includes(issue.expected ?? '') ? issue.expected : 'other';
      return t(`invalid_type.${kind}`, { label });
    }
    case 'invalid_value':
      return t('invalid_value', { label, values: (issue.values ?? []).join(language === 'zh-CN' ? '、' : ', ') });
    case 'invalid_format': {
      if (issue.format === 'email' || issue.format === 'uuid' || issue.format === 'datetime' || issue.format === 'date') return t(`invalid_format.${issue.format}`, { label });
      // A pattern with its own explanation ("may contain only letters, …") says more in English.
      return language === 'en' && PREDICATE.test(error.message) ? ownWords() : t('invalid_format.other', { label });
    }
    case 'custom':
      return issue.rule && messages.exists(`rule.${issue.rule}`) ? t(`rule.${issue.rule}`, { label, values: (issue.values ?? []).join(language === 'zh-CN' ? '、' : ', ') }) : ownWords();
    default:
      return ownWords();
  }
}

/** A size limit as people say it: 10 MB, 512 KB, 900 bytes (binary multiples, as file managers count). */
export function bytesAsText(bytes: number): string {
  const units: [number, string][] = [
    [1024 * 1024 * 1024, 'GB'],
    [1024 * 1024, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  return `${bytes} bytes`;
}

/** Every field's refusal, said in `language`; the structured issue stays on the server. */
export function describeFields(errors: readonly FieldError[], language: MessageLanguage): { field: string; message: string }[] {
  return errors.map((error) => ({ field: error.field, message: fieldMessage(error, language) }));
}

/**
 * A refusal's summary in `language`. English keeps the service's own words (`message`);
 * Chinese says what kind of refusal it is and keeps those words in brackets for whoever
 * investigates. `code` is the body's `error` (`not_found`, `forbidden`, …).
 */
export function refusalMessage(code: string, message: string, language: MessageLanguage): string {
  const t = translator(language);
  const key = `error.${code}`;
  return t(messages.exists(key) ? key : 'error.other', { message });
}
