import { KERNEL_VARIANTS, type KernelVariant, isKernelVariant } from '../model/index.js';
import { CliError } from './errors.js';

/**
 * The value of `--variant NAME`: undefined when absent (the model answers as
 * `MODELLED_RELEASE`).
 * @throws CliError (exit 2) naming the option and the variants there are.
 */
export function kernelVariantOption(name: string | undefined): KernelVariant | undefined {
  if (name === undefined) return undefined;
  if (isKernelVariant(name)) return name;
  throw new CliError(`--variant: unknown kernel variant ${name} (there is: ${Object.keys(KERNEL_VARIANTS).join(', ')})`);
}
