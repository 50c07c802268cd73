/* Signal state of a child forked from the .NET runtime, before it execs (stage.c, criu_keeper.c). */
#ifndef JAULA_CHILD_SIGNALS_H
#define JAULA_CHILD_SIGNALS_H

/* Every handler back to SIG_DFL and an empty mask: the runtime's handlers must never run in the child, and what it
   execs (the container, criu) must not inherit ignored or blocked signals. */
void jaula_reset_signals(void);

#endif
