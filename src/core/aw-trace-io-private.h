/* aw-trace-io-private.h: what saving and loading traces share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The version of the saved log in "otherData.awaitscope"; a file of
 * another version is refused. */
#define FORMAT_VERSION 1
