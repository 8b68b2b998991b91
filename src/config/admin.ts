/**
 * The admin page's settings (`admin:` in the config): the password that signs in at
 * /admin/ (the sign-in form, or HTTP Basic `admin:<password>` for scripts). No password:
 * the admin page is off.
 *
 * @example
 * adminSchema.parse({ password: "correct horse battery" }); // { password: "...", sessionHours: 12 }
 */
import { z } from "zod";

export const adminSchema = z.strictObject({
  password: z.string().min(8, "at least 8 characters").optional()
    .describe("Admin page password (sign-in form, or HTTP Basic admin:<password>); no password turns /admin/ off"),
  sessionHours: z.number().positive().default(12).describe("Hours an admin sign-in stays valid"),
});

export type AdminConfig = z.infer<typeof adminSchema>;
