// The complaint cause taxonomy as routing serves it, and its labels in the language the page shows.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ComplaintCause, ComplaintCausesView } from '@handoff/contracts/api';
import { api } from './api';
import { supportedLanguage } from './i18n';

export function causeLabel(label: ComplaintCause['label'], language: string): string {
  return supportedLanguage(language) === 'zh-CN' ? label['zh-CN'] : label.en;
}

/** The causes a complaint's result chooses from; empty until loaded (or when they cannot be read: the form then shows the service's refusal). */
export function useComplaintCauses(): readonly ComplaintCause[] {
  const [causes, setCauses] = useState<readonly ComplaintCause[]>([]);
  useEffect(() => {
    let alive = true;
    api<ComplaintCausesView>('routing', '/v1/complaint-causes')
      .then((view) => alive && setCauses(view.causes))
      .catch(() => alive && setCauses([]));
    return () => {
      alive = false;
    };
  }, []);
  return causes;
}

/** The label of a cause in the page's language, following the language switch. */
export function useCauseLabel(): (label: ComplaintCause['label']) => string {
  const { i18n } = useTranslation();
  return (label) => causeLabel(label, i18n.language);
}
