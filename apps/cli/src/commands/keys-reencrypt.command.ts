import { KEYS_REENCRYPT_USAGE, runReencrypt } from '@app/compliance';
import type { Command } from '../command';

export const keysReencryptCommand: Command = {
  name: 'keys:reencrypt',
  summary: 'Re-encrypt every registered PHI column with the current key (resumable; run after adding a key)',
  usage: KEYS_REENCRYPT_USAGE,
  async run({ args, app, out, err }) {
    return runReencrypt(await app(), args, { out, err });
  },
};
