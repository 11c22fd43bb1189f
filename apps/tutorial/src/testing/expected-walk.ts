/** The tools a complete walk calls in Cleanup, in order (the e2e tests of the tutorial, one replica or several, expect them). */
export const CLEANUP_TOOLS = [
  'docker_delete_container',
  'docker_delete_image',
  'system_decommission_docker_runtime',
  'system_unassign_module_from_template',
  'system_decommission_instance',
  'system_sdwan_revoke_access_grant',
] as const;
