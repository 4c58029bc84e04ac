/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file list.h
 * @brief Circular doubly linked lists with the kernel's list_head API.
 *
 * A list is a struct list_head that points to itself when empty; entries
 * embed a list_head and are found back with list_entry() (container_of).
 * Deleted entries are poisoned with NULL pointers so a second list_del()
 * crashes at once instead of corrupting a neighbour.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_LIST_H
#define VFSIM_SIM_KERNEL_LIST_H

#include <assert.h>

#include "sim/kernel/types.h"

/** @brief A list head, or a link embedded in an entry. */
struct list_head {
	struct list_head *next; /**< next link (the head when last) */
	struct list_head *prev; /**< previous link (the head when first) */
};

/** @brief Static initializer for an empty list named @p name. */
#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}

/** @brief Define and initialize an empty list. */
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

/** @brief INIT_LIST_HEAD(): make @p list empty. */
static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

/** @brief Link @p entry between two adjacent links. */
static inline void __list_add(struct list_head *entry, struct list_head *prev,
			      struct list_head *next)
{
	assert(prev->next == next && next->prev == prev);
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

/** @brief list_add(): insert @p entry right after @p head (stack order). */
static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head, head->next);
}

/** @brief list_add_tail(): insert @p entry before @p head (queue order). */
static inline void list_add_tail(struct list_head *entry,
				 struct list_head *head)
{
	__list_add(entry, head->prev, head);
}

/** @brief Unlink @p entry, leaving its own links untouched. */
static inline void __list_del_entry(struct list_head *entry)
{
	assert(entry->next->prev == entry && entry->prev->next == entry);
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

/** @brief list_del(): unlink @p entry and poison its links. */
static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = NULL;
	entry->prev = NULL;
}

/** @brief list_del_init(): unlink @p entry and leave it an empty list. */
static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

/** @brief list_empty(): true when @p head has no entries. */
static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/** @brief list_is_singular(): true when @p head has exactly one entry. */
static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

/** @brief list_is_last(): true when @p entry is the last one of @p head. */
static inline bool list_is_last(const struct list_head *entry,
				const struct list_head *head)
{
	return entry->next == head;
}

/** @brief list_move(): move @p entry to the front of @p head. */
static inline void list_move(struct list_head *entry, struct list_head *head)
{
	__list_del_entry(entry);
	list_add(entry, head);
}

/** @brief list_move_tail(): move @p entry to the back of @p head. */
static inline void list_move_tail(struct list_head *entry,
				  struct list_head *head)
{
	__list_del_entry(entry);
	list_add_tail(entry, head);
}

/** @brief Link all of @p list between two adjacent links. */
static inline void __list_splice(const struct list_head *list,
				 struct list_head *prev, struct list_head *next)
{
	struct list_head *first = list->next;
	struct list_head *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

/** @brief list_splice(): join @p list at the front of @p head
 *  (@p list itself is left stale). */
static inline void list_splice(const struct list_head *list,
			       struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head, head->next);
}

/** @brief list_splice_tail(): join @p list at the back of @p head. */
static inline void list_splice_tail(const struct list_head *list,
				    struct list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head->prev, head);
}

/** @brief list_splice_init(): list_splice() and empty @p list. */
static inline void list_splice_init(struct list_head *list,
				    struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head, head->next);
		INIT_LIST_HEAD(list);
	}
}

/** @brief list_splice_tail_init(): list_splice_tail() and empty @p list. */
static inline void list_splice_tail_init(struct list_head *list,
					 struct list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head->prev, head);
		INIT_LIST_HEAD(list);
	}
}

/** @brief Number of entries of @p head (walks the list). */
static inline size_t list_count_nodes(const struct list_head *head)
{
	size_t n = 0;

	for (const struct list_head *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

/** @brief The entry of type @p type that embeds link @p ptr as @p member. */
#define list_entry(ptr, type, member) container_of(ptr, type, member)

/** @brief The first entry of a list that must not be empty. */
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

/** @brief The last entry of a list that must not be empty. */
#define list_last_entry(head, type, member) \
	list_entry((head)->prev, type, member)

/** @brief The first entry, or NULL when the list is empty. */
#define list_first_entry_or_null(head, type, member) \
	(list_empty(head) ? (type *)NULL : list_first_entry(head, type, member))

/** @brief The entry after @p pos. */
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

/** @brief Iterate over the links of @p head. */
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

/** @brief Iterate over links, safe against removal of @p pos. */
#define list_for_each_safe(pos, n, head)                       \
	for (pos = (head)->next, n = pos->next; pos != (head); \
	     pos = n, n = pos->next)

/** @brief Iterate over the entries of @p head. */
#define list_for_each_entry(pos, head, member)                       \
	for (pos = list_first_entry(head, __typeof__(*pos), member); \
	     &pos->member != (head); pos = list_next_entry(pos, member))

/** @brief Iterate over entries, safe against removal of @p pos. */
#define list_for_each_entry_safe(pos, n, head, member)               \
	for (pos = list_first_entry(head, __typeof__(*pos), member), \
	    n = list_next_entry(pos, member);                        \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))

#endif /* VFSIM_SIM_KERNEL_LIST_H */
