/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file bitops.h
 * @brief Bit operations on unsigned long words (the kernel's set_bit() family).
 *
 * The guest uses them for request flags (FR_SENT, FR_FINISHED, ...). Tasks
 * switch only at yield points, so a plain read-modify-write is already
 * atomic with respect to every other task; the test-and-set forms keep the
 * kernel's names so the code reads the same.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_BITOPS_H
#define VFSIM_SIM_KERNEL_BITOPS_H

#include "sim/kernel/footprint.h"

#include <limits.h>
#include <stdbool.h>

/** @brief Bits in an unsigned long. */
#define BITS_PER_LONG ((int)(sizeof(unsigned long) * CHAR_BIT))

/** @brief Mask of bit @p nr within its word. */
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))

/** @brief Index of the word holding bit @p nr. */
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)

/** @brief Set bit @p nr of the bitmap at @p addr. */
static inline void set_bit(unsigned int nr, unsigned long *addr)
{
	fp_touch(&addr[BIT_WORD(nr)]);
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

/** @brief Clear bit @p nr of the bitmap at @p addr. */
static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
	fp_touch(&addr[BIT_WORD(nr)]);
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

/** @brief True when bit @p nr of the bitmap at @p addr is set. */
static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	fp_touch(&addr[BIT_WORD(nr)]);
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

/** @brief Set bit @p nr and return whether it was already set. */
static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	bool old;

	fp_touch(&addr[BIT_WORD(nr)]);
	old = addr[BIT_WORD(nr)] & BIT_MASK(nr);
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
	return old;
}

/** @brief Clear bit @p nr and return whether it was set. */
static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	bool old;

	fp_touch(&addr[BIT_WORD(nr)]);
	old = addr[BIT_WORD(nr)] & BIT_MASK(nr);
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
	return old;
}

/** @brief Non-atomic set_bit() (the same thing here). */
#define __set_bit(nr, addr) set_bit(nr, addr)

/** @brief Non-atomic clear_bit() (the same thing here). */
#define __clear_bit(nr, addr) clear_bit(nr, addr)

#endif /* VFSIM_SIM_KERNEL_BITOPS_H */
