// Lint rules for the TypeScript sources; formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", ".pulumi/", ".runs/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { console: "readonly", process: "readonly" } },
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            // Library code reports failures through errors, never by ending the process.
            "no-process-exit": "off",
            "no-restricted-properties": [
                "error",
                { object: "process", property: "exit", message: "Throw or set process.exitCode instead." },
            ],
        },
    },
    {
        files: ["scripts/**/*.mjs"],
        rules: { "no-restricted-properties": "off" },
    },
);
