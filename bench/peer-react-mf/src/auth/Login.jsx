import { useState } from 'react';

// The sign-in form. The shell owns the session: `signIn(username, password)` resolves once it has stored the
// token, or rejects with the server's message, which is shown here.
export default function Login({ signIn }) {
  const [error, setError] = useState(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await signIn(String(form.get('username')), String(form.get('password')));
    } catch (failure) {
      setError(failure.message);
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <h1>Sign in</h1>
      <label htmlFor="username">Username</label>
      <input id="username" name="username" autoComplete="username" required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error && <p role="alert">{error}</p>}
      <button type="submit" disabled={pending}>
        Sign in
      </button>
    </form>
  );
}
