/* SPDX-License-Identifier: MIT */
/* System register access and AArch64 EL2 register field definitions (Arm ARM DDI0487). */
#ifndef TESSERA_SYSREG_H
#define TESSERA_SYSREG_H

#include "types.h"

#define sysreg_read(reg)                                      \
	({                                                    \
		u64 v_;                                       \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_)); \
		v_;                                           \
	})
#define sysreg_write(reg, v)                                      \
	do {                                                      \
		u64 w_ = (u64)(v);                                \
		__asm__ volatile("msr " #reg ", %0" : : "r"(w_)); \
	} while (0)

#define isb()	 __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define wfi()	 __asm__ volatile("wfi" ::: "memory")
#define sev()	 __asm__ volatile("sev" ::: "memory")

/* HCR_EL2 (D13.2.48). */
#define HCR_VM	   BIT(0)
#define HCR_SWIO   BIT(1)
#define HCR_FMO	   BIT(3)
#define HCR_IMO	   BIT(4)
#define HCR_AMO	   BIT(5)
#define HCR_VSE	   BIT(8)
#define HCR_FB	   BIT(9)
#define HCR_BSU_IS (1ULL << 10)
#define HCR_TWI	   BIT(13)
#define HCR_TWE	   BIT(14)
#define HCR_TID0   BIT(15)
#define HCR_TID1   BIT(16)
#define HCR_TID2   BIT(17)
#define HCR_TID3   BIT(18)
#define HCR_TSC	   BIT(19)
#define HCR_TIDCP  BIT(20)
#define HCR_TACR   BIT(21)
#define HCR_TSW	   BIT(22)
#define HCR_TPCP   BIT(23)
#define HCR_TPU	   BIT(24)
#define HCR_TTLB   BIT(25)
#define HCR_TVM	   BIT(26)
#define HCR_TDZ	   BIT(28)
#define HCR_RW	   BIT(31)
#define HCR_TRVM   BIT(30)
#define HCR_TERR   BIT(36)
#define HCR_TEA	   BIT(37)
#define HCR_APK	   BIT(40)
#define HCR_API	   BIT(41)
#define HCR_ATA	   BIT(56)

/* ESR_ELx exception classes (D17.2.37). */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr)  (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL	     BIT(25)
#define EC_UNKNOWN   0x00
#define EC_WFX	     0x01
#define EC_SIMD	     0x07
#define EC_ILLEGAL   0x0e
#define EC_SVC64     0x15
#define EC_HVC64     0x16
#define EC_SMC64     0x17
#define EC_SYSREG    0x18
#define EC_SVE	     0x19
#define EC_PAC	     0x1c
#define EC_IABT_LOW  0x20
#define EC_IABT_CUR  0x21
#define EC_PC_ALIGN  0x22
#define EC_DABT_LOW  0x24
#define EC_DABT_CUR  0x25
#define EC_SP_ALIGN  0x26
#define EC_SERROR    0x2f
#define EC_BRK64     0x3c

/* Data abort ISS (D17.2.37.x). */
#define ISS_DABT_ISV	  BIT(24)
#define ISS_DABT_SAS(iss) (((iss) >> 22) & 3)
#define ISS_DABT_SSE	  BIT(21)
#define ISS_DABT_SRT(iss) (((iss) >> 16) & 0x1f)
#define ISS_DABT_SF	  BIT(15)
#define ISS_DABT_S1PTW	  BIT(7)
#define ISS_DABT_WNR	  BIT(6)
#define ISS_FSC(iss)	  ((iss)&0x3f)
#define FSC_SEA		  0x10 /* synchronous external abort, not on a table walk */
#define FSC_PERM	  0x0c /* permission fault, levels 0-3 in bits [1:0] */

/* SPSR / PSTATE. */
#define PSR_MODE_MASK 0xf
#define PSR_MODE_EL0T 0x0
#define PSR_MODE_EL1T 0x4
#define PSR_MODE_EL1H 0x5
#define PSR_MODE_EL2H 0x9
#define PSR_RW32      BIT(4)
#define PSR_F	      BIT(6)
#define PSR_I	      BIT(7)
#define PSR_A	      BIT(8)
#define PSR_D	      BIT(9)
#define PSR_DAIF      (PSR_D | PSR_A | PSR_I | PSR_F)

#endif
