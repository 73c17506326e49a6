import { useCallback, useRef, useState } from 'react';

/**
 * One form's request: busy while it runs, then the refusal (kept for the form's fields to show
 * next to themselves) or a confirmation. Each form has its own, so an error names only its fields.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const running = useRef(false);
  const submit = useCallback(async (action: () => Promise<string | null>): Promise<boolean> => {
    // A second click while the first request runs would record the same thing twice.
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(null);
    setSuccess(null);
    try {
      setSuccess(await action());
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setSuccess(null);
  }, []);
  return { busy, error, success, submit, reset };
}
