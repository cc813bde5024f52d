// Flat config: typescript-eslint's type-checked rules (recommendedTypeChecked) over every
// TypeScript source (the product, tests, benchmarks, the docs' examples), its recommended rules
// over the JavaScript.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { createRequire } from "node:module";

const LAYERS = createRequire(import.meta.url)("./layers.cjs");

/** The TypeScript sources, all in tsconfig.json's program (the type-checked rules need it). */
const TYPESCRIPT = ["**/*.ts"];
/** What is not the product: it tests, measures or shows the product. */
const AROUND = ["tests/**/*.ts", "bench/**/*.ts", "docs/examples/**/*.ts"];

/** For each layer: its own folder's files may not import the layers above it, nor the package root. */
const layerRules = LAYERS.map((layer, rank) => ({
  files: [`${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: [...LAYERS.slice(rank + 1).flatMap((above) => [`../${above}`, `../${above}/*`]), "../index", "twisted-ts", "twisted-ts/*"],
            message: `${layer}/ sits below this layer (layers.cjs lists them bottom first); move the shared code down instead.`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      ".bench-build/**",
      "node_modules/**",
      "coverage/**",
      "docs/api/**",
      // Experiments behind docs/design/, checked on their own (npm run experiment:check).
      "bench/experiments/**",
      // Not valid TypeScript on purpose: the `twisted-ts run` tests load it to see the error.
      "tests/fixtures/cli/syntax-error.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The type-checked rules need a TypeScript program; the project service reads tsconfig.json.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: TYPESCRIPT })),
  {
    files: TYPESCRIPT,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Twisted's `raise failure`: Failure.trap() and errbacks throw a Failure on purpose, and a
      // Deferred passes a thrown Failure on unchanged (it is not wrapped in another).
      "@typescript-eslint/only-throw-error": [
        "error",
        { allow: [{ from: "file", name: "Failure", path: "core/failure.ts" }] },
      ],
      // Any value can be raised, and a Failure carries it as it is: a promise made from a
      // Deferred rejects with that value (`unknown`), not with an Error made up around it.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      // `_`-prefixed parameters document an intentionally unused argument.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Tests and Twisted-style varargs legitimately pass `this`-less functions around.
      "@typescript-eslint/no-this-alias": "off",
    },
  },
  ...layerRules,
  {
    // CommonJS helper scripts (the mocha reporter, launchers).
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["tests/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  {
    // Type-checked rules that do not fit code around the product; the product keeps them all.
    files: AROUND,
    rules: {
      // The package's public methods are bound (arrow fields, or bound in the constructor), and
      // tests and examples pass them as values on purpose (`clock.callLater(0, p.stop)`): the
      // rule cannot see a bind made in a constructor.
      "@typescript-eslint/unbound-method": "off",
      // As in the product; and `AbortSignal.reason` is typed any: an abort rejects with it.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true, allowThrowingAny: true }],
    },
  },
  {
    files: ["tests/**/*.ts"],
    rules: {
      // Tests feed the package hostile values: thrown strings and Proxies, `any`-typed probes
      // of what the types forbid, `async` functions with no await (a promise that settles later).
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["docs/examples/**/*.ts"],
    rules: {
      // Examples print values as users write it (`${result}`), and what they print is compared.
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  {
    // Plain CommonJS JavaScript: the bin launcher, and programs run by `twisted-ts run` in tests.
    files: ["bin/**/*.js", "**/*.cjs", "tests/fixtures/**/*.js", "docs/examples/**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", exports: "writable", __dirname: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
