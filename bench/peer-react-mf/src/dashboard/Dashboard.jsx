import { useEffect, useState } from 'react';

// The dashboard. `fetchJson(path)` is the shell's authorized fetch: this remote never sees the token.
export default function Dashboard({ identity, fetchJson, onUnauthorized }) {
  const [orders, setOrders] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    fetchJson('/api/orders').then(
      (body) => live && setOrders(body.orders),
      (failure) => {
        if (!live) return;
        if (failure.status === 401) onUnauthorized();
        else setError(failure.message);
      },
    );
    return () => {
      live = false;
    };
  }, [fetchJson, onUnauthorized]);

  return (
    <section>
      <h1>Welcome, {identity.display_name}</h1>
      <p>Roles: {identity.roles.join(', ')}</p>
      <p>Tenant: {identity.tenant}</p>
      {error ? (
        <p role="alert">{error}</p>
      ) : orders === null ? (
        <p>Loading orders…</p>
      ) : (
        <p>You have {orders.length} orders</p>
      )}
    </section>
  );
}
