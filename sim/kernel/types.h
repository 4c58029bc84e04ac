/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file types.h
 * @brief Kernel-style basic types and helpers shared by sim/, guest/ and device/.
 *
 * The guest model reads like kernel code, so it uses the kernel's spellings:
 * u8..u64, s32, container_of(), ARRAY_SIZE(), and the conversions of the
 * fixed-order types __le16/__le32/__le64/__be32 (fuse_proto/byteorder.h
 * says which fields have which order). Every fixed-order field is read
 * and written through these helpers and nothing else; sparse checks that
 * (`make check-endian`).
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_TYPES_H
#define VFSIM_SIM_KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuse_proto/byteorder.h"

typedef uint8_t u8;   /**< kernel spelling of uint8_t */
typedef uint16_t u16; /**< kernel spelling of uint16_t */
typedef uint32_t u32; /**< kernel spelling of uint32_t */
typedef uint64_t u64; /**< kernel spelling of uint64_t */
typedef int8_t s8;    /**< kernel spelling of int8_t */
typedef int16_t s16;  /**< kernel spelling of int16_t */
typedef int32_t s32;  /**< kernel spelling of int32_t */
typedef int64_t s64;  /**< kernel spelling of int64_t */

/*
 * A test may define VFSIM_HOST_BIG_ENDIAN before the first include to build
 * the helpers for the other host order (tests/sim/test_byteorder_be.c);
 * nothing else may.
 */
#ifndef VFSIM_HOST_BIG_ENDIAN
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VFSIM_HOST_BIG_ENDIAN 1
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/** @brief 1 on a big-endian host, 0 on a little-endian one. */
#define VFSIM_HOST_BIG_ENDIAN 0
#else
#error "vfsim: the compiler does not say the host byte order (__BYTE_ORDER__)"
#endif
#endif

/** @brief Convert a CPU-order u16 to little endian. */
static inline __le16 cpu_to_le16(u16 v)
{
	u16 x = VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap16(v) : v;

	return (__force __le16)x;
}

/** @brief Convert a little-endian u16 to CPU order. */
static inline u16 le16_to_cpu(__le16 v)
{
	u16 x = (__force u16)v;

	return VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap16(x) : x;
}

/** @brief Convert a CPU-order u32 to little endian. */
static inline __le32 cpu_to_le32(u32 v)
{
	u32 x = VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap32(v) : v;

	return (__force __le32)x;
}

/** @brief Convert a little-endian u32 to CPU order. */
static inline u32 le32_to_cpu(__le32 v)
{
	u32 x = (__force u32)v;

	return VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap32(x) : x;
}

/** @brief Convert a CPU-order u64 to little endian. */
static inline __le64 cpu_to_le64(u64 v)
{
	u64 x = VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap64(v) : v;

	return (__force __le64)x;
}

/** @brief Convert a little-endian u64 to CPU order. */
static inline u64 le64_to_cpu(__le64 v)
{
	u64 x = (__force u64)v;

	return VFSIM_HOST_BIG_ENDIAN ? __builtin_bswap64(x) : x;
}

/** @brief Convert a CPU-order u32 to big endian. */
static inline __be32 cpu_to_be32(u32 v)
{
	u32 x = VFSIM_HOST_BIG_ENDIAN ? v : __builtin_bswap32(v);

	return (__force __be32)x;
}

/** @brief Convert a big-endian u32 to CPU order. */
static inline u32 be32_to_cpu(__be32 v)
{
	u32 x = (__force u32)v;

	return VFSIM_HOST_BIG_ENDIAN ? x : __builtin_bswap32(x);
}

/** @brief The structure that embeds @p member at address @p ptr. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/** @brief Number of elements of an array (not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** @brief Branch hint: @p x is usually true. */
#define likely(x) __builtin_expect(!!(x), 1)
/** @brief Branch hint: @p x is usually false. */
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif /* VFSIM_SIM_KERNEL_TYPES_H */
