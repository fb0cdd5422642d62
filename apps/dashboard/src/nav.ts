/** Top-level pages in the header; new sections join this list. */
export interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

export const mainNav: NavItem[] = [
  { to: '/apps', label: 'Apps' },
  { to: '/nodes', label: 'Nodes', adminOnly: true },
  { to: '/account', label: 'Account' },
];
