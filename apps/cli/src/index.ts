// Door for tests: the CLI runner and its command list.
export * from './cli';
export * from './command';
export { COMMANDS } from './commands';
