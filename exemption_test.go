package sunshine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each spelling of one provision has one key.
func TestExemptionKey_Same(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		law       string
		spellings []string
	}{
		{"FOIAExemption5", "us-federal", []string{"(b)(5)", "b5", "B5", "b(5)", "(b)5", "b-5", "(b) (5)", "Exemption 5", "exemption (b)(5)",
			"Ex. 5", "FOIA Exemption 5", "FOIA exemption (b)(5)", "FOIA b5", "5 U.S.C. 552(b)(5)", "5 USC 552(b)(5)",
			"5 U.S.C. § 552(b)(5)", "5 U.S.C. sec. 552 (b)(5)", "552(b)(5)", "§ 552(b)(5).", " (B)(5) "}},
		{"FOIASubpart7C", "us-federal", []string{"(b)(7)(C)", "(b)(7)(c)", "b7c", "b7C", "b(7)(C)", "(b)(7) (C)", "Exemption 7(C)",
			"Exemption 7C", "FOIA exemption (b)(7)(C)", "5 U.S.C. 552(b)(7)(C)", "5 U.S.C. § 552(b)(7)(C)"}},
		{"FOIASubpart3A", "us-federal", []string{"(b)(3)(A)", "b3a", "Exemption 3(A)"}},
		{"CPRASection", "us-ca", []string{"Gov. Code 7923.600", "Gov. Code § 7923.600", "7923.600", "§ 7923.600", "Government Code section 7923.600",
			"Gov't Code 7923.600", "Govt. Code sec. 7923.600", "Cal. Gov. Code § 7923.600", "California Government Code 7923.600",
			"CPRA § 7923.600", "gov. code 7923.600.", "Section 7923.600"}},
		{"CPRASubdivision", "us-ca", []string{"Gov. Code 7923.600(a)", "Government Code section 7923.600(a)", "7923.600 (a)",
			"Gov. Code § 7923.600(A)", "Gov. Code 7923.600, subdivision (a)", "Gov. Code 7923.600 subd. (a)"}},
		{"FOILSubdivisions", "us-ny", []string{"Public Officers Law 87(2)(e)", "POL § 87(2)(e)", "87(2)(e)", "Pub. Off. Law § 87(2)(e)",
			"N.Y. Pub. Off. Law 87(2)(e)", "FOIL 87(2)(e)", "87 (2) (e)"}},
		{"TexasGovtCode", "us-tx", []string{"Gov't Code 552.108(a)(1)", "Tex. Gov't Code § 552.108(a)(1)", "552.108(a)(1)", "TPIA 552.108(a)(1)"}},
		{"IllinoisCompiledStatutes", "us-il", []string{"5 ILCS 140/7(1)(c)", "5 ILCS 140/7 (1)(c)", "140/7(1)(c)"}},
		{"MinnesotaSubd", "us-mn", []string{"Minn. Stat. 13.43 subd. 2", "Minn. Stat. § 13.43, subd. 2", "13.43 subd. 2", "13.43(2)"}},
		{"NewJerseyColons", "us-nj", []string{"N.J.S.A. 47:1A-1.1", "47:1A-1.1", "NJSA 47:1a-1.1"}},
		{"VirginiaDashes", "us-va", []string{"Va. Code 2.2-3706(B)(1)", "Va. Code § 2.2–3706(B)(1)", "2.2-3706(b)(1)"}},
		{"TextCaseAndSpaces", "us-ca", []string{"Privacy", "privacy ", " PRIVACY", "privacy"}},
		{"TextSpacesCollapsed", "us-federal", []string{"law enforcement", "Law  Enforcement", "law\tenforcement"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := ExemptionKey(tc.law, tc.spellings[0])
			for _, s := range tc.spellings[1:] {
				assert.Equal(t, want, ExemptionKey(tc.law, s), "%q and %q", tc.spellings[0], s)
			}
		})
	}
	assert.Equal(t, ExemptionKey("us-ca", "Privacy"), ExemptionKey("us-federal", "privacy"), "text keys carry no law")
}

// Two provisions never share a key, nor does anything that is not
// recognisably one citation share one with a citation.
func TestExemptionKey_Different(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		law    string
		a, b   string
		lawOfB string // when b is cited under another law
	}{
		{"CPRANeighbouringSections", "us-ca", "Gov. Code 7923.600", "Gov. Code 7923.610", ""},
		{"CPRASectionAndLongerNumber", "us-ca", "7923.60", "7923.600", ""},
		{"CPRASubdivisions", "us-ca", "7923.600(a)", "7923.600(b)", ""},
		{"CPRABareSectionAndSubdivision", "us-ca", "Gov. Code 7923.600", "Government Code section 7923.600(a)", ""},
		{"CPRADeeperSubdivision", "us-ca", "7922.000(a)", "7922.000(a)(1)", ""},
		{"AnotherCodesSection", "us-ca", "Evidence Code 1040", "Gov. Code 1040", ""},
		{"AnotherCodeUnnamed", "us-ca", "Penal Code 832.7", "832.7", ""},
		{"TwoSectionsInOne", "us-ca", "Gov. Code 7923.600 and 7923.610", "Gov. Code 7923.600", ""},
		{"FOILSubdivisions", "us-ny", "87(2)(b)", "87(2)(e)", ""},
		{"FOILBareSection", "us-ny", "Public Officers Law 87", "Public Officers Law 87(2)", ""},
		{"FOIAExemptions6And7C", "us-federal", "(b)(6)", "(b)(7)(C)", ""},
		{"FOIASubparts7CAnd7E", "us-federal", "b7C", "(b)(7)(E)", ""},
		{"FOIAExemption7AndItsSubpart", "us-federal", "Exemption 7", "Exemption 7(C)", ""},
		{"FOIAExemption3WithAStatute", "us-federal", "(b)(3), 26 U.S.C. 6103", "(b)(3)", ""},
		{"FOIAWithADescription", "us-federal", "(b)(6) personal privacy", "(b)(6)", ""},
		{"FOIABareNumberIsNoExemption", "us-federal", "5", "(b)(5)", ""},
		{"FOIANoSuchSubpart", "us-federal", "(b)(5)(a)", "(b)(5)", ""},
		{"FOIANoSuchExemption", "us-federal", "(b)(10)", "(b)(1)", ""},
		{"PrivacyActIsNotFOIA", "us-federal", "5 U.S.C. 552a(b)", "5 U.S.C. 552(b)", ""},
		{"TwoExemptionsInOne", "us-federal", "(b)(6) and (b)(7)(C)", "(b)(6)", ""},
		{"SameNumberTwoLaws", "us-ca", "7923.600", "7923.600", "us-tx"},
		{"FOIAIsFederalOnly", "us-federal", "(b)(5)", "(b)(5)", "us-ca"},
		{"TextIsNotACitation", "us-ca", "7923.600", "law enforcement 7923.600", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lawOfB := tc.law
			if tc.lawOfB != "" {
				lawOfB = tc.lawOfB
			}
			assert.NotEqual(t, ExemptionKey(tc.law, tc.a), ExemptionKey(lawOfB, tc.b))
		})
	}
}

// What a key reads as, for the forms the record relies on: a citation's
// law, tab-separated, cannot collide with a text's key.
func TestExemptionKey_Forms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, law, citation, want string
	}{
		{"FOIA", "us-federal", "FOIA exemption b7c", "us-federal\t(b)(7)(C)"},
		{"StateSection", "us-ca", "Government Code section 7923.600(A)", "us-ca\t7923.600(a)"},
		{"Minnesota", "us-mn", "Minn. Stat. § 13.43, subd. 2", "us-mn\t13.43(2)"},
		{"Text", "us-ca", "  Official  Information ", "official information"},
		{"UnknownLawIsText", "us-zz", "7923.600", "7923.600"},
		{"MassachusettsClauseIsText", "us-ma", "G.L. c. 4, s. 7(26)(f)", "g.l. c. 4, s. 7(26)(f)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, ExemptionKey(tc.law, tc.citation))
		})
	}
}
