import type { Category, Severity } from './alert.table';
import type { PhraseLanguage } from './emergency-phrase.table';

/**
 * Built-in emergency phrases for the 12 languages of the earlier implementation (inventory §7):
 * CRITICAL Medical/Safety, HIGH Physical/Medical/Safety, MEDIUM Medical/Request. Patterns are
 * regular-expression sources matched case-insensitively. Orgs add their own or override these by
 * `key` (EmergencyPhraseService). When a language has none, the English set applies.
 */
export interface DefaultPhrase {
  key: string;
  language: PhraseLanguage;
  phrase: string;
  pattern: string;
  severity: Severity;
  category: Category;
}

type Row = [phrase: string, pattern: string, severity: Severity, category: Category];

const TABLE: Record<PhraseLanguage, Row[]> = {
  en: [
    ['heart attack', '\\bheart\\s+attack\\b', 'CRITICAL', 'Medical'],
    ["can't breathe", "\\b(can'?t|cannot|can not)\\s+breathe\\b", 'CRITICAL', 'Medical'],
    ['choking', '\\bchok(ing|e)\\b', 'CRITICAL', 'Medical'],
    ['stroke', '\\b(having\\s+a\\s+)?stroke\\b', 'CRITICAL', 'Medical'],
    ['seizure', '\\bseizure\\b', 'CRITICAL', 'Medical'],
    ['overdose', '\\boverdos(e|ed)\\b', 'CRITICAL', 'Medical'],
    ['passed out', '\\b(passed\\s+out|fainted|unconscious)\\b', 'CRITICAL', 'Medical'],
    ['severe bleeding', '\\b(severe|heavy)\\s+bleeding\\b', 'CRITICAL', 'Medical'],
    ['suicide', '\\b(kill\\s+myself|suicid(e|al)|end\\s+my\\s+life)\\b', 'CRITICAL', 'Safety'],
    ['self-harm', '\\b(hurt|harm)\\s+myself\\b', 'CRITICAL', 'Safety'],
    ['I fell', '\\b(i\\s+(fell|tripped|slipped)|fallen\\s+down)\\b', 'HIGH', 'Physical'],
    ["can't get up", "\\b(can'?t|cannot)\\s+get\\s+up\\b", 'HIGH', 'Physical'],
    ['hit my head', '\\bhit\\s+my\\s+head\\b', 'HIGH', 'Physical'],
    ['broken bone', '\\b(broken\\s+(bone|hip|arm|leg)|fracture)\\b', 'HIGH', 'Physical'],
    ['chest pain', '\\bchest\\s+(pain|pressure|tightness)\\b', 'HIGH', 'Medical'],
    ['severe pain', '\\b(severe|terrible|unbearable)\\s+pain\\b', 'HIGH', 'Medical'],
    ['intruder', '\\b(intruder|break-?in|stranger\\s+in\\s+(my|the)\\s+house)\\b', 'HIGH', 'Safety'],
    ['dizzy', '\\b(dizzy|lightheaded|vertigo)\\b', 'MEDIUM', 'Medical'],
    ['feel sick', '\\bfeel(ing)?\\s+(very\\s+)?sick\\b', 'MEDIUM', 'Medical'],
    ['vomiting', '\\b(vomit(ing)?|nause(a|ous))\\b', 'MEDIUM', 'Medical'],
    ['help me', '\\b(help\\s+me|i\\s+need\\s+help)\\b', 'MEDIUM', 'Request'],
    ['call 911', '\\b(call\\s+(911|an\\s+ambulance)|ambulance|paramedics)\\b', 'MEDIUM', 'Request'],
  ],
  es: [
    ['ataque al corazón', 'ataque\\s+al\\s+coraz[oó]n|infarto', 'CRITICAL', 'Medical'],
    ['no puedo respirar', 'no\\s+puedo\\s+respirar', 'CRITICAL', 'Medical'],
    ['derrame cerebral', 'derrame\\s+cerebral|\\bictus\\b', 'CRITICAL', 'Medical'],
    ['quiero morir', 'quiero\\s+morir(me)?|suicid', 'CRITICAL', 'Safety'],
    ['me caí', 'me\\s+ca[ií]|me\\s+he\\s+ca[ií]do', 'HIGH', 'Physical'],
    ['dolor en el pecho', 'dolor\\s+(en\\s+el|de)\\s+pecho', 'HIGH', 'Medical'],
    ['mareado', 'mare(ado|ada|o)', 'MEDIUM', 'Medical'],
    ['ayúdame', 'ay[uú]d(a|e)me|necesito\\s+ayuda', 'MEDIUM', 'Request'],
  ],
  fr: [
    ['crise cardiaque', 'crise\\s+cardiaque', 'CRITICAL', 'Medical'],
    ['je ne peux pas respirer', 'je\\s+ne\\s+peux\\s+(pas|plus)\\s+respirer', 'CRITICAL', 'Medical'],
    ['AVC', '\\bavc\\b|accident\\s+vasculaire', 'CRITICAL', 'Medical'],
    ['je veux mourir', 'je\\s+veux\\s+mourir|suicid', 'CRITICAL', 'Safety'],
    ['je suis tombé', 'je\\s+suis\\s+tomb[ée]e?', 'HIGH', 'Physical'],
    ['douleur à la poitrine', 'douleur\\s+(à|a|dans)\\s+la\\s+poitrine', 'HIGH', 'Medical'],
    ["j'ai des vertiges", 'vertige|étourdi', 'MEDIUM', 'Medical'],
    ['aidez-moi', 'aide[zr]?-?\\s?moi|au\\s+secours', 'MEDIUM', 'Request'],
  ],
  de: [
    ['Herzinfarkt', 'herzinfarkt', 'CRITICAL', 'Medical'],
    ['ich kann nicht atmen', 'ich\\s+kann\\s+nicht\\s+atmen|atemnot', 'CRITICAL', 'Medical'],
    ['Schlaganfall', 'schlaganfall', 'CRITICAL', 'Medical'],
    ['ich will sterben', 'ich\\s+will\\s+sterben|selbstmord|suizid', 'CRITICAL', 'Safety'],
    ['ich bin gestürzt', 'ich\\s+bin\\s+(gest[üu]rzt|hingefallen)', 'HIGH', 'Physical'],
    ['Brustschmerzen', 'brustschmerz', 'HIGH', 'Medical'],
    ['mir ist schwindelig', 'schwindel', 'MEDIUM', 'Medical'],
    ['Hilfe', '\\bhilfe\\b|helfen\\s+sie\\s+mir', 'MEDIUM', 'Request'],
  ],
  zh: [
    ['心脏病发作', '心脏病(发作)?|心梗', 'CRITICAL', 'Medical'],
    ['无法呼吸', '(无法|不能|喘不过气)呼吸|喘不过气', 'CRITICAL', 'Medical'],
    ['中风', '中风', 'CRITICAL', 'Medical'],
    ['想死', '想死|自杀', 'CRITICAL', 'Safety'],
    ['我摔倒了', '摔倒|跌倒', 'HIGH', 'Physical'],
    ['胸口痛', '胸(口)?(痛|疼)', 'HIGH', 'Medical'],
    ['头晕', '头晕|眩晕', 'MEDIUM', 'Medical'],
    ['救命', '救命|帮帮我', 'MEDIUM', 'Request'],
  ],
  'zh-cn': [
    ['心脏病发作', '心脏病(发作)?|心梗', 'CRITICAL', 'Medical'],
    ['喘不过气', '喘不过气|无法呼吸', 'CRITICAL', 'Medical'],
    ['想自杀', '自杀|想死', 'CRITICAL', 'Safety'],
    ['摔倒了', '摔倒|跌倒', 'HIGH', 'Physical'],
    ['胸痛', '胸(口)?(痛|疼)', 'HIGH', 'Medical'],
    ['救命', '救命|帮帮我', 'MEDIUM', 'Request'],
  ],
  ja: [
    ['心臓発作', '心臓発作|心筋梗塞', 'CRITICAL', 'Medical'],
    ['息ができない', '息が(でき|出来)ない', 'CRITICAL', 'Medical'],
    ['脳卒中', '脳卒中', 'CRITICAL', 'Medical'],
    ['死にたい', '死にたい|自殺', 'CRITICAL', 'Safety'],
    ['転んだ', '転んだ|転倒', 'HIGH', 'Physical'],
    ['胸が痛い', '胸が痛い|胸痛', 'HIGH', 'Medical'],
    ['めまい', 'めまい', 'MEDIUM', 'Medical'],
    ['助けて', '助けて', 'MEDIUM', 'Request'],
  ],
  pt: [
    ['ataque cardíaco', 'ataque\\s+card[ií]aco|infarto', 'CRITICAL', 'Medical'],
    ['não consigo respirar', 'n[ãa]o\\s+consigo\\s+respirar', 'CRITICAL', 'Medical'],
    ['AVC', '\\bavc\\b|derrame', 'CRITICAL', 'Medical'],
    ['quero morrer', 'quero\\s+morrer|suic[ií]d', 'CRITICAL', 'Safety'],
    ['eu caí', '(eu\\s+)?ca(?:i\\b|í)|levei\\s+um\\s+tombo', 'HIGH', 'Physical'],
    ['dor no peito', 'dor\\s+no\\s+peito', 'HIGH', 'Medical'],
    ['tontura', 'tont(o|a|ura)', 'MEDIUM', 'Medical'],
    ['socorro', 'socorro|me\\s+ajud(a|e)', 'MEDIUM', 'Request'],
  ],
  it: [
    ['infarto', 'infarto|attacco\\s+di\\s+cuore', 'CRITICAL', 'Medical'],
    ['non riesco a respirare', 'non\\s+riesco\\s+a\\s+respirare', 'CRITICAL', 'Medical'],
    ['ictus', '\\bictus\\b', 'CRITICAL', 'Medical'],
    ['voglio morire', 'voglio\\s+morire|suicid', 'CRITICAL', 'Safety'],
    ['sono caduto', 'sono\\s+cadut[oa]', 'HIGH', 'Physical'],
    ['dolore al petto', 'dolore\\s+al\\s+petto', 'HIGH', 'Medical'],
    ['mi gira la testa', 'mi\\s+gira\\s+la\\s+testa|vertigini', 'MEDIUM', 'Medical'],
    ['aiuto', '\\baiuto\\b|aiutatemi', 'MEDIUM', 'Request'],
  ],
  ru: [
    ['сердечный приступ', 'сердечн\\S*\\s+приступ|инфаркт', 'CRITICAL', 'Medical'],
    ['не могу дышать', 'не\\s+могу\\s+дышать', 'CRITICAL', 'Medical'],
    ['инсульт', 'инсульт', 'CRITICAL', 'Medical'],
    ['хочу умереть', 'хочу\\s+умереть|самоубийств', 'CRITICAL', 'Safety'],
    ['я упал', 'я\\s+упал(а)?', 'HIGH', 'Physical'],
    ['боль в груди', 'боль\\s+в\\s+груди', 'HIGH', 'Medical'],
    ['головокружение', 'головокружени|кружится\\s+голова', 'MEDIUM', 'Medical'],
    ['помогите', 'помогите|помоги', 'MEDIUM', 'Request'],
  ],
  ar: [
    ['نوبة قلبية', 'نوبة\\s+قلبية|جلطة\\s+قلبية', 'CRITICAL', 'Medical'],
    ['لا أستطيع التنفس', 'لا\\s+أستطيع\\s+التنفس', 'CRITICAL', 'Medical'],
    ['جلطة دماغية', 'جلطة\\s+دماغية|سكتة\\s+دماغية', 'CRITICAL', 'Medical'],
    ['أريد أن أموت', 'أريد\\s+أن\\s+أموت|انتحار', 'CRITICAL', 'Safety'],
    ['سقطت', 'سقطت|وقعت', 'HIGH', 'Physical'],
    ['ألم في الصدر', 'ألم\\s+في\\s+الصدر', 'HIGH', 'Medical'],
    ['دوخة', 'دوخة|دوار', 'MEDIUM', 'Medical'],
    ['ساعدني', 'ساعدني|النجدة', 'MEDIUM', 'Request'],
  ],
  hi: [
    ['दिल का दौरा', 'दिल\\s+का\\s+दौरा', 'CRITICAL', 'Medical'],
    ['सांस नहीं ले पा रहा', 'सांस\\s+नहीं', 'CRITICAL', 'Medical'],
    ['लकवा', 'लकवा|स्ट्रोक', 'CRITICAL', 'Medical'],
    ['मरना चाहता हूं', 'मरना\\s+चाहत|आत्महत्या', 'CRITICAL', 'Safety'],
    ['मैं गिर गया', 'गिर\\s+गय(ा|ी)', 'HIGH', 'Physical'],
    ['सीने में दर्द', 'सीने\\s+में\\s+दर्द', 'HIGH', 'Medical'],
    ['चक्कर', 'चक्कर', 'MEDIUM', 'Medical'],
    ['मदद करो', 'मदद\\s+(करो|कीजिए)|बचाओ', 'MEDIUM', 'Request'],
  ],
};

export const DEFAULT_PHRASES: readonly DefaultPhrase[] = Object.entries(TABLE).flatMap(([language, rows]) =>
  rows.map(([phrase, pattern, severity, category], i) => ({
    key: `${language}.${i + 1}`,
    language: language as PhraseLanguage,
    phrase,
    pattern,
    severity,
    category,
  })),
);
