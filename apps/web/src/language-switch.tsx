import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGE_NAMES, LANGUAGES, supportedLanguage, FALLBACK_LANGUAGE, type Language } from './i18n';

/** The language switch; its label is in both languages so either reader finds it. */
export function LanguageSwitch() {
  const id = useId();
  const { i18n } = useTranslation();
  const current = supportedLanguage(i18n.resolvedLanguage ?? i18n.language) ?? FALLBACK_LANGUAGE;
  return (
    <span className="language-switch">
      <label htmlFor={id}>语言 / Language</label>
      <select id={id} value={current} onChange={(event) => void chooseLanguage(event.target.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </span>
  );
}
