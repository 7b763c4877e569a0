// The C helpers are header-only (static inline): see include/CShims.h.
#include "CShims.h"
