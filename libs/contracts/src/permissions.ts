/** Operator permissions. Roles are named bundles of them. */
export const PERMISSIONS = [
  'system.platform_read',
  'system.events_read',
  'system.identity_admin',
  'system.docker_provision',
  'system.docker_operate',
  'system.docker_read',
  /** Containers with the host's powers (privileged, host namespaces, host bind mounts, raw params). */
  'system.docker_privileged',
  'system.catalog_admin',
  'system.sdwan_admin',
  'ca.admin',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = {
  admin: [...PERMISSIONS],
  operator: [
    'system.platform_read',
    'system.events_read',
    'system.docker_provision',
    'system.docker_operate',
    'system.docker_read',
  ],
  viewer: ['system.platform_read', 'system.events_read', 'system.docker_read'],
} as const satisfies Record<string, readonly Permission[]>;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as [Role, ...Role[]];

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) {
    if (Object.hasOwn(ROLES, role)) for (const p of ROLES[role as Role]) granted.add(p);
  }
  return granted;
}
