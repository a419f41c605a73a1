/* keeper.h - a thread that lives as long as the process, for starting
 * server processes after the run began: a child's parent-death signal
 * follows the thread that forked it, so a server restarted by a thread
 * that ends (the nemesis) would be stopped with it. */
#ifndef MELEE_KEEPER_H
#define MELEE_KEEPER_H

/* Runs fn(arg) on the keeper thread (started on first use) and returns
 * when it has finished. Calls from several threads run one at a time. */
void keeper_run(void (*fn)(void *arg), void *arg);

#endif
