import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-policy";

export const EmailSchema = z
  .string({ error: "Enter your e-mail address." })
  .trim()
  .toLowerCase()
  .max(254, "That e-mail address is too long.")
  .pipe(z.email({ error: "Enter a valid e-mail address, like name@company.com." }));

export const PasswordSchema = z
  .string({ error: "Enter a password." })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

export const NameSchema = z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters.");

export const SignupSchema = z
  .object({
    name: NameSchema,
    email: EmailSchema,
    password: PasswordSchema,
    organisationName: z.string().trim().max(100, "Use at most 100 characters.").optional(),
    invite: z.string().trim().max(200).optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.invite && !value.organisationName) {
      ctx.addIssue({ code: "custom", path: ["organisationName"], message: "Enter your company's name." });
    }
  });
export type SignupInput = z.infer<typeof SignupSchema>;

export const LoginSchema = z.object({
  email: EmailSchema,
  // Length limits on login would tell an attacker about the policy; only bound the work.
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(PASSWORD_MAX_LENGTH, "Enter your password."),
});
export type LoginInput = z.infer<typeof LoginSchema>;

export const StaffRoleSchema = z.enum(["support", "admin"]);
