import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["build/**", "public/build/**", "node_modules/**", "test-results/**", "playwright-report/**", ".cache/**", "data/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js}"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Playwright fixtures destructure nothing when they need no other fixture.
    files: ["e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off" },
  },
  {
    // The emulator is a witness: it must never import Keyport's own code.
    files: ["emulator/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["~/*", "../app/*", "../../app/*", "**/app/**"], message: "The emulator must stay independent of Keyport's code." }] }],
    },
  },
  {
    // Only the probe runner talks to Stripe.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/domain/probe/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "stripe", message: "Only app/domain/probe may import the stripe SDK." }] }],
    },
  },
);
