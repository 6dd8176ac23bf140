export const PROCESS_ROLES = ['api', 'worker', 'voice'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];
