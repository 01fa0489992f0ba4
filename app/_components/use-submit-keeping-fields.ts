"use client";

import { useTransition, type FormEvent } from "react";

/**
 * An onSubmit for a form whose action comes from useActionState, that sends the same form data
 * without React's reset of the form after the action. That reset puts a controlled <select>
 * back on its first option on screen while React's state (and the value sent) stays the
 * chosen one; text inputs are unaffected, selects are not. Keep `action={formAction}` on the
 * form as well, so it still works before the page's script has loaded.
 */
export function useSubmitKeepingFields(formAction: (data: FormData) => void) {
  const [, startTransition] = useTransition();
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(e.currentTarget, submitter);
    startTransition(() => formAction(data));
  };
}
