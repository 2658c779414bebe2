/* GNUstep's headers include libobjc2's blocks header when the compiler has blocks; Debian ships GCC's
   runtime, which has none. These are libobjc2's (and Apple's <Block.h>) declarations. */
void *_Block_copy(const void *);
void _Block_release(const void *);
#define Block_copy(x) ((__typeof(x))_Block_copy((const void *)(x)))
#define Block_release(x) _Block_release((const void *)(x))
