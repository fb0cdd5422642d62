import { Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { RequireLogin } from './session/RequireLogin.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { AppsPage } from './pages/AppsPage.tsx';
import { AccountPage } from './pages/account/AccountPage.tsx';
import { AppPage } from './pages/app/AppPage.tsx';
import { appTabs } from './pages/app/tabs.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { NodesPage } from './pages/NodesPage.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireLogin>
            <Layout />
          </RequireLogin>
        }
      >
        <Route index element={<Navigate to="/apps" replace />} />
        <Route path="apps" element={<AppsPage />} />
        <Route path="apps/:app" element={<AppPage />}>
          {appTabs.map((t) => (t.path ? <Route key={t.path} path={t.path} element={t.element} /> : <Route key="index" index element={t.element} />))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
        <Route path="nodes" element={<NodesPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
