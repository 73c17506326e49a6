import { useTranslation } from 'react-i18next';
import { href } from '../../router';
import './management.css';

/**
 * Views of one screen as links (`#/<screen>/.../<view>`), so each view has an address, the back
 * button works, and the keyboard reaches them like any link.
 */
export function ViewTabs(props: { label: string; base: readonly string[]; current: string; views: readonly { id: string; title: string; count?: number }[] }) {
  return (
    <nav className="mqa-tabs" aria-label={props.label}>
      <ul>
        {props.views.map((view) => (
          <li key={view.id}>
            <a href={href(...props.base, view.id)} aria-current={view.id === props.current ? 'page' : undefined}>
              {view.title}
              {view.count !== undefined && <span className="mqa-tabs__count">{view.count}</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Met / missed / not judged, in words as well as colour. */
export function MetBadge({ met }: { met: boolean | null | undefined }) {
  const { t } = useTranslation('management');
  if (met === true) return <span className="badge badge--ok">{t('met')}</span>;
  if (met === false) return <span className="badge badge--danger">{t('missed')}</span>;
  return <span className="badge">{t('noData')}</span>;
}
