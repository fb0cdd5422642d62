/** Top-level pages in the header; Nodes (admins) and others join this list as their APIs land. */
export interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

export const mainNav: NavItem[] = [
  { to: '/apps', label: 'Apps' },
  { to: '/account', label: 'Account' },
];
