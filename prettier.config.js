// @ts-check

/**
 * Chosen to reformat as little of the existing code as possible. The code breaks lines at about 150–160
 * characters. Measured as lines changed by `prettier --write .` on the tree it was introduced to: a print width
 * of 150 changes 1,657, 160 changes 1,351, 180 changes 1,065 (wider keeps shrinking it only by leaving ever
 * longer lines alone), so 160 is the widest that still matches how the code is written. Every other option is
 * Prettier's default (double quotes, semicolons, trailing commas), which is already the house style.
 *
 * @type {import("prettier").Config}
 */
export default {
  printWidth: 160,
  plugins: ["prettier-plugin-svelte"],
};
