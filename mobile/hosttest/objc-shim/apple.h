/* Where GNUstep's Foundation differs from Apple's in what gobind's generated code uses. */
#import <Foundation/Foundation.h>
/* Apple's nil is a null void pointer, comparable with any pointer (gobind compares NSError** with it). */
#undef nil
#define nil ((void *)0)
/* Apple's NSString method (macOS 10.0+, iOS 2.0+) that GNUstep lacks. */
@interface NSString (AppleFoundation)
- (BOOL)getBytes:(void *)buffer maxLength:(NSUInteger)maxBufferCount usedLength:(NSUInteger *)usedBufferCount
        encoding:(NSStringEncoding)encoding options:(NSStringEncodingConversionOptions)options range:(NSRange)range
  remainingRange:(NSRangePointer)leftover;
@end
