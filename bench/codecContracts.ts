/** The contracts of the validation benchmark: a small object schema on bench/* (the small payload's shape). */
import type { z as Zod } from "zod";

export default (z: typeof Zod) => ({
  channels: {
    "bench/*": z.object({ text: z.string().max(500), n: z.number().int(), user: z.string() }),
    "large/*": z.any(),
  },
});
