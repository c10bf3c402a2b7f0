/* aw-layer-check.c: a program that links one layer of the core with those below it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * src/core/meson.build links every object of a layer into this empty
 * program, together with the layers below it and nothing above. A call
 * from a lower layer into a higher one is then an undefined symbol, and
 * the build stops there instead of letting the layers grow a cycle.
 */

int main (void);

int
main (void)
{
  return 0;
}
