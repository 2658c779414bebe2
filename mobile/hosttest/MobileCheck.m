// An iOS host's use of the generated Objective-C API, compiled (not linked) by objc.sh so that the calls an
// app makes type-check against the generated header: open, session, push a frame, guidance, finish, errors,
// a callback object.
@import Foundation;
#include "LIDMobile.objc.h"

@interface FinishHandler : NSObject <LIDMobileFinishCallback>
@end

@implementation FinishHandler
- (void)onResult:(LIDMobileResult *)r {
	NSLog(@"passed %d reasons %@ evidence %lu bytes", r.passed, [r reasons], (unsigned long)[r evidence].length);
}
- (void)onError:(NSError *)err {
	LIDMobileErrorInfo *info = LIDMobileDescribeError(err);
	NSLog(@"domain %d code %@: %@", info.domain, info.code, info.message);
}
@end

int check(NSString *modelDir, NSData *challenge, NSData *y, NSData *cbcr, int32_t w, int32_t h) {
	LIDMobileOptions *opts = [[LIDMobileOptions alloc] init];
	opts.language = @"zh-CN";
	opts.threads = 2;
	[opts setMessage:@"PROMPT_HOLD_STILL" text:@"请保持不动"];
	NSError *err = nil;
	LIDMobileEngine *engine = LIDMobileOpen(modelDir, opts, &err);
	if (engine == nil) {
		return LIDMobileDescribeError(err).domain;
	}
	LIDMobileSession *session = [engine newSession:challenge error:&err];
	if (session == nil) {
		return LIDMobileDescribeError(err).domain;
	}
	for (int64_t i = 0; i < 30; i++) {
		LIDMobileGuidance *g = [session pushFrame:y p1:cbcr p2:nil width:w height:h stride0:w stride1:w stride2:0
		                              pixelStride:2 format:LIDMobileNV12 rotation:90 mirror:YES
		                              timestampNs:i * 33333333 error:&err];
		if (g == nil) {
			return LIDMobileDescribeError(err).domain;
		}
		uint32_t argb = (uint32_t)g.screenColor;
		NSLog(@"%@ %@ %@ #%06x until %lld progress %.2f", g.phaseName, g.prompt, g.message, argb & 0xffffff,
		      (long long)g.screenUntilNs, g.progress);
	}
	[session finishAsync:[[FinishHandler alloc] init]];
	return [engine close:&err] ? 0 : -1;
}
