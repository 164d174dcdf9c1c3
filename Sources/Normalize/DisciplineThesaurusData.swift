// Generated from data/discipline-thesaurus.tsv: edit that file, then run
// `STAGEBALANS_UPDATE_THESAURUS=1 swift test --filter ThesaurusTests` to write this one again.
// Compiled in so that the installed binary needs no resource bundle.

enum DisciplineThesaurusData {
    static let text = #"""
# stagebalans discipline thesaurus: Dutch, English and French names of the medical disciplines a
# faculty's placements are in, with their usual synonyms. One line per discipline:
#   code <TAB> usual group <TAB> Dutch names <TAB> English names <TAB> French names
# Names within a column are separated by '|', the preferred name first. `code` is the code
# `stagebalans init` suggests (a sub-discipline is written GROUP-CODE, e.g. IG-CAR); `usual group`
# is the discipline group SPEC §1 counts it towards ('-': a group of its own). Both are
# suggestions: a faculty's own taxonomy decides. Compiled into the binary as
# Sources/Normalize/DisciplineThesaurusData.swift (ThesaurusTests keeps the two the same).
#
# Sources:
# - Belgium, Dutch and French titles: Koninklijk besluit van 25 november 1991 houdende de lijst
#   van bijzondere beroepstitels voorbehouden aan de beoefenaars van de geneeskunde / Arrêté royal
#   du 25 novembre 1991 établissant la liste des titres professionnels particuliers réservés aux
#   praticiens de l'art médical (Belgisch Staatsblad / Moniteur belge 14-03-1992, consolidated
#   to 20-05-2020; ELI eli/besluit/1991/11/25/1992025392), and the FOD Volksgezondheid / SPF Santé
#   publique pages listing the recognised specialist titles (health.belgium.be, "Artsen-specialisten"
#   and "Médecin"); Zorg en Gezondheid, "Voor welke titels of bekwaamheden kan een arts-specialist
#   een erkenning aanvragen?" (zorg-en-gezondheid.be). These are the titles the RIZIV/INAMI
#   recognition numbers refer to.
# - English names: Directive 2005/36/EC on the recognition of professional qualifications, Annex V,
#   point 5.1.3 (titles of training in specialised medicine: "Paediatrics", "Obstetrics and
#   gynaecology", "Otorhinolaryngology", "Anaesthetics", "Respiratory medicine", "Renal diseases",
#   "Gastro-enterological surgery", "Accident and emergency medicine", ...), with the usual
#   British and American spellings.
# - The Netherlands' Dutch names: the specialisms registered under article 14 of the Wet BIG
#   (bigwet.nl, "Beroepen": kindergeneeskunde, oogheelkunde, keel-, neus- en oorheelkunde,
#   longziekten en tuberculose, maag-darm-leverziekten, obstetrie en gynaecologie, ...).
# - Dutch names for a department by its organ (hartziekten, longziekten, nierziekten, huidziekten,
#   oogziekten, oogheelkunde, kindergeneeskunde) as Flemish hospitals name their services, and
#   the groups of SPEC §1 (surgery, internal medicine, paediatrics, general practice,
#   gynaecology-obstetrics, medical imaging, small specialties, the scientific placement).
#
# code	group	Dutch	English	French
HK	-	heelkunde|chirurgie|algemene heelkunde	surgery|general surgery	chirurgie|chirurgie générale
HK-ORT	HK	orthopedie|orthopedische heelkunde|orthopedische chirurgie	orthopaedics|orthopedics|orthopaedic surgery|orthopedic surgery	orthopédie|chirurgie orthopédique
HK-KHK	HK	kinderheelkunde|kinderchirurgie	paediatric surgery|pediatric surgery	chirurgie pédiatrique|chirurgie infantile
HK-NCH	HK	neurochirurgie	neurosurgery|neurological surgery	neurochirurgie
HK-ABD	HK	abdominale heelkunde|abdominale chirurgie|viscerale heelkunde|viscerale chirurgie	abdominal surgery|visceral surgery|gastro-enterological surgery	chirurgie abdominale|chirurgie viscérale|chirurgie viscérale et digestive
HK-VHK	HK	vaatheelkunde|vaatchirurgie	vascular surgery	chirurgie vasculaire
HK-THO	HK	thoraxheelkunde|thoraxchirurgie	thoracic surgery	chirurgie thoracique
HK-CAH	HK	hartchirurgie|cardiale heelkunde|cardiothoracale chirurgie	cardiac surgery|cardiothoracic surgery	chirurgie cardiaque|chirurgie cardio-thoracique
HK-PLA	HK	plastische heelkunde|plastische chirurgie|plastische, reconstructieve en esthetische heelkunde	plastic surgery|plastic, reconstructive and aesthetic surgery	chirurgie plastique|chirurgie plastique, reconstructrice et esthétique
HK-MKA	HK	mond-, kaak- en aangezichtschirurgie|kaakchirurgie|stomatologie	oral and maxillofacial surgery|maxillo-facial surgery|stomatology	chirurgie maxillo-faciale|stomatologie
IG	-	inwendige geneeskunde|interne geneeskunde|algemene inwendige geneeskunde	internal medicine|general internal medicine	médecine interne
IG-CAR	IG	cardiologie|hartziekten	cardiology	cardiologie
IG-GER	IG	geriatrie|klinische geriatrie	geriatrics	gériatrie
IG-ONC	IG	medische oncologie|oncologie	medical oncology|oncology	oncologie médicale|oncologie
IG-GAS	IG	gastro-enterologie|maag-darm-leverziekten	gastroenterology|gastro-enterology	gastro-entérologie
IG-PNE	IG	pneumologie|longziekten|longziekten en tuberculose	pneumology|respiratory medicine|pulmonary medicine	pneumologie
IG-NEF	IG	nefrologie|nierziekten	nephrology|renal diseases|renal medicine	néphrologie
IG-HEM	IG	hematologie|klinische hematologie	haematology|hematology|clinical haematology	hématologie|hématologie clinique
IG-END	IG	endocrinologie|endocrino-diabetologie	endocrinology|endocrinology and diabetes	endocrinologie|endocrino-diabétologie
IG-INF	IG	infectiologie|klinische infectiologie|infectieziekten	infectious diseases|infectiology	infectiologie|maladies infectieuses
NEU	-	neurologie	neurology	neurologie
PSY	-	psychiatrie|volwassenenpsychiatrie	psychiatry|adult psychiatry	psychiatrie|psychiatrie adulte
PSY-KJP	PSY	kinder- en jeugdpsychiatrie|kinderpsychiatrie	child and adolescent psychiatry|child psychiatry	psychiatrie infanto-juvénile|pédopsychiatrie
PED	-	pediatrie|kindergeneeskunde	paediatrics|pediatrics	pédiatrie
PED-NEO	PED	neonatologie	neonatology	néonatologie
HA	-	huisartsgeneeskunde|algemene geneeskunde|huisartsenstage	general practice|family medicine|general medical practice	médecine générale
GYN	-	gynaecologie-verloskunde|gynaecologie en verloskunde|obstetrie en gynaecologie	gynaecology-obstetrics|obstetrics and gynaecology|obstetrics and gynecology	gynécologie-obstétrique
BV	-	medische beeldvorming|beeldvorming|radiologie|röntgendiagnose|radiodiagnose	medical imaging|radiology|diagnostic radiology	imagerie médicale|radiologie|radiodiagnostic
BV-NUC	BV	nucleaire geneeskunde	nuclear medicine	médecine nucléaire
RTO	-	radiotherapie-oncologie|radiotherapie	radiotherapy|radiation oncology	radiothérapie-oncologie|radiothérapie
KS	-	kleine specialismen|kleine disciplines	small specialties	petites spécialités
KS-URO	KS	urologie	urology	urologie
KS-REU	KS	reumatologie	rheumatology	rhumatologie
KS-GEN	KS	genetica|klinische genetica|medische genetica	genetics|clinical genetics|medical genetics	génétique|génétique clinique|génétique médicale
KS-DER	KS	dermatologie|dermato-venereologie|huidziekten	dermatology|dermato-venereology|dermatology and venereology	dermatologie|dermato-vénéréologie
KS-OFT	KS	oftalmologie|oogheelkunde|oogziekten	ophthalmology	ophtalmologie
KS-NKO	KS	neus-keel-oorheelkunde|otorinolaryngologie|oto-rhino-laryngologie|keel-, neus- en oorheelkunde|NKO|KNO	otorhinolaryngology|ear, nose and throat|ENT	oto-rhino-laryngologie|ORL
SPO	-	spoedgeneeskunde|urgentiegeneeskunde|acute geneeskunde|spoedeisende geneeskunde|spoedgevallen	emergency medicine|accident and emergency medicine|acute medicine	médecine d'urgence|médecine aiguë|urgences
ANE	-	anesthesiologie|anesthesie|anesthesie-reanimatie	anaesthesiology|anesthesiology|anaesthetics|anaesthesia	anesthésiologie|anesthésie-réanimation
ICU	-	intensieve zorgen|intensive care	intensive care medicine|critical care	soins intensifs
FGR	-	fysische geneeskunde en revalidatie|fysische geneeskunde|revalidatie	physical medicine and rehabilitation|rehabilitation medicine	médecine physique et réadaptation
PAT	-	pathologische anatomie|pathologie	pathology|pathological anatomy	anatomie pathologique|anatomopathologie
KBI	-	klinische biologie	clinical biology|laboratory medicine	biologie clinique
ARB	-	arbeidsgeneeskunde	occupational medicine	médecine du travail
GRG	-	gerechtelijke geneeskunde|forensische geneeskunde	forensic medicine|legal medicine	médecine légale
SPG	-	sportgeneeskunde	sports medicine	médecine du sport
WET	-	wetenschappelijke stage|onderzoeksstage|masterproef	scientific placement|research placement	stage scientifique|stage de recherche
"""#
}
