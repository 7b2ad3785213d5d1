import { Component, lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { currentIdentity, fetchJson, signIn } from './session';

// Each remote is fetched only when its route first renders.
const Login = lazy(() => import('auth/Login'));
const Dashboard = lazy(() => import('dashboard/Dashboard'));

class RemoteBoundary extends Component {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? <p role="alert">This part of the page could not be loaded.</p> : this.props.children;
  }
}

// A route switch over history.pushState; returns the path to redirect to, if any.
function redirectFor(path, signedIn) {
  if (path === '/') return signedIn ? '/dashboard' : '/login';
  if (path === '/dashboard' && !signedIn) return '/login';
  return null;
}

export function App() {
  const [path, setPath] = useState(() => window.location.pathname);
  const identity = currentIdentity();

  const navigate = useCallback((to, replace = false) => {
    if (replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setPath(to);
  }, []);

  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const redirect = redirectFor(path, identity !== null);
  useEffect(() => {
    if (redirect) navigate(redirect, true);
  }, [redirect, navigate]);

  const onSignIn = useCallback(
    async (username, password) => {
      await signIn(username, password);
      navigate('/dashboard');
    },
    [navigate],
  );
  const onUnauthorized = useCallback(() => navigate('/login', true), [navigate]);

  let page = null;
  if (redirect) page = null;
  else if (path === '/login') page = <Login signIn={onSignIn} />;
  else if (path === '/dashboard')
    page = <Dashboard identity={identity} fetchJson={fetchJson} onUnauthorized={onUnauthorized} />;
  else page = <p>Page not found.</p>;

  return (
    <main className="portico">
      <RemoteBoundary key={path}>
        <Suspense fallback={null}>{page}</Suspense>
      </RemoteBoundary>
    </main>
  );
}
