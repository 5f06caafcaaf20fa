package org.conch.feed.ref;

import java.util.HashSet;
import java.util.Set;

/**
 * The second-level domains that is-valid-domain 0.0.20 (MIT, Miguel Mota; {@code data/sldMap.json}) treats as one
 * label, so that "a.co.uk" is read as label "a" under "co.uk". Its rule changes answers (for instance on "a_b.co.uk"),
 * so ssb-ref's isHost needs the same list. Only the two-label entries are kept: the regex that looks them up can
 * match no other.
 */
final class SecondLevelDomains {
    /** One line per top-level domain: "tld: label label ...", each label forming "label.tld". */
    private static final String BY_TOP_LEVEL_DOMAIN = """
            ac: com net gov org mil
            ae: co net gov ac sch org mil pro name
            af: com edu gov net org
            al: com edu gov mil net org
            ao: ed gv og co pb it
            ar: com edu gob gov int mil net org tur
            at: gv ac co or
            au: com net org edu gov csiro asn id vic sa wa nt tas qld act conf oz
            ba: org net edu gov mil unsa untz unmo unbi unze co com rs
            bb: co com net org gov edu info store tv biz
            bh: com info cc edu biz net org gov
            bn: com edu gov net org
            bo: com net org tv mil int gob gov edu
            br: adm adv agr am arq art ato b bio blog bmd cim cng cnt com coop ecn edu eng esp etc eti far
            br: flog fm fnd fot fst g12 ggf gov imb ind inf jor jus lel mat med mil mus net nom not ntr odo
            br: org ppg pro psc psi qsl rec slg srv tmp trd tur tv vet vlog wiki zlg
            bs: com net org edu gov
            bz: om du ov et rg
            ca: ab bc mb nb nf nl ns nt nu on pe qc sk yk
            ck: co org edu gov net gen biz info
            cn: ac com edu gov mil net org ah bj cq fj gd gs gz gx ha hb he hi hl hn jl js jx ln nm nx qh sc
            cn: sd sh sn sx tj tw xj xz yn zj
            co: com org edu gov net mil nom
            cr: ac co ed fi go or sa
            cy: ac net gov org pro name ekloges tm ltd biz press parliament com
            do: edu gob gov com sld org net web mil art
            dz: com org net gov edu asso pol art
            ec: com info net fin med pro org edu gov mil
            eg: com edu eun gov mil name net org sci
            er: com edu gov mil net org ind rochest w
            es: com nom org gob edu
            et: com gov org edu net biz name info
            fj: ac biz com info mil name net org pro
            fk: co org gov ac nom net
            fr: tm asso nom prd presse com gouv
            gg: co net org
            gh: com edu gov org mil
            gl: co com edu net org
            gn: com ac gov org net
            gr: com edu net org gov mil
            gt: com edu net gob org mil ind
            gu: com net gov org edu
            hk: com edu gov idv net org
            hu: 2000 agrar bolt casino city co erotica erotika film forum games hotel info ingatlan jogasz
            hu: konyvelo lakas media news org priv reklam sex shop sport szex tm tozsde utazas video
            huv: suli
            id: ac co net or web sch mil go my biz
            il: ac co org net k12 gov muni idf
            in: 4fd co firm net org gen ind ac edu res ernet gov mil nic
            iq: gov edu com mil org net
            ir: ac co gov id net org sch dnssec
            it: gov edu
            je: co net org
            jo: com net gov edu org mil name sch
            jp: ac ad co ed go gr lg ne or
            ke: co or ne go ac sc me mobi info
            kh: per com edu gov mil net org
            ki: com biz de net info org gov edu mob tel
            km: com coop asso nom presse tm medecin notaires pharmaciens veterinaire edu gouv mil
            kn: net org edu gov
            kr: co ne or re pe go mil ac hs ms es sc kg seoul busan daegu incheon gwangju daejeon ulsan
            kr: gyeonggi gangwon chungbuk chungnam jeonbuk jeonnam gyeongbuk gyeongnam jeju
            kw: edu com net org gov
            ky: com org net edu gov
            kz: com edu gov mil net org
            lb: com edu gov net org
            lk: gov sch net int com org edu ngo soc web ltd assn grp hotel
            lr: com edu gov org net
            lv: com edu gov org mil id net asn conf
            ly: com net gov plc edu sch med org id
            ma: net ac org gov press co
            mc: tm asso
            me: co net org edu ac gov its priv
            mg: org nom gov prd tm edu mil com
            mk: com org net edu gov inf name pro
            ml: com net org edu gov presse
            mn: gov edu org
            mo: com edu gov net org
            mt: com org net edu gov
            mv: aero biz com coop edu gov info int mil museum name net org pro
            mw: ac co com coop edu gov int museum net org
            mx: com net org edu gob
            my: com net org gov edu sch mil name
            nf: com net arts store web firm info other per rec
            ng: com org gov edu net sch name mobi biz mil
            ni: gob co com ac edu org nom net mil
            np: com edu gov org mil net
            nr: edu gov biz info net org com
            om: com co edu ac sch gov net org mil museum biz pro med
            pe: edu gob nom mil sld org com net
            ph: com net org mil ngo i gov edu
            pk: com net edu org fam biz web gov gob gok gon gop gos
            pl: pwr com biz net art edu org ngo gov info mil waw warszawa wroc wroclaw krakow katowice poznan
            pl: lodz gda gdansk slupsk radom szczecin lublin bialystok olsztyn torun gorzow zgora
            pr: biz com edu gov info isla name net org pro est prof ac
            ps: com net org edu gov plo sec
            pw: co ne or ed go belau
            ro: arts com firm info nom nt org rec store tm www
            rs: co org edu ac gov in
            sb: com net edu org gov
            sc: com net edu gov org
            sh: co com org gov edu net nom
            sl: com net org edu gov
            st: gov saotome principe consulado embaixada org edu net com store mil co
            sv: edu gob com org red
            sz: co ac org
            tr: com gen org biz info av dr pol bel tsk bbs k12 edu name net gov web tel tv
            tt: co com org net biz info pro int coop jobs mobi travel museum aero cat tel name mil edu gov
            tw: edu gov mil com net org idv game ebiz club
            mu: com gov net org ac co or
            mz: ac co edu org gov
            na: com co
            nz: ac co cri geek gen govt health iwi maori mil net org parliament school
            pa: abo ac com edu gob ing med net nom org sld
            pt: com edu gov int net nome org publ
            py: com edu gov mil net org
            qa: com edu gov mil net org
            re: asso com nom
            ru: ac adygeya altai amur arkhangelsk astrakhan bashkiria belgorod bir bryansk buryatia cbg chel
            ru: chelyabinsk chita chukotka chuvashia com dagestan edu gov grozny int irkutsk ivanovo izhevsk
            ru: jar kalmykia kaluga kamchatka karelia kazan kchr kemerovo khabarovsk khakassia khv kirov
            ru: koenig komi kostroma kranoyarsk kuban kurgan kursk lipetsk magadan mari marine mil mordovia
            ru: mosreg msk murmansk nalchik net nnov nov novosibirsk nsk omsk orenburg org oryol penza perm pp
            ru: pskov ptz rnd ryazan sakhalin samara saratov simbirsk smolensk spb stavropol stv surgut tambov
            ru: tatarstan tom tomsk tsaritsyn tsk tula tuva tver tyumen udm udmurtia vladikavkaz vladimir
            ru: vladivostok volgograd vologda voronezh vrn vyatka yakutia yamal yekaterinburg
            rw: ac co com edu gouv gov int mil net
            sa: com edu gov med net org pub sch
            sd: com edu gov info med net org tv
            se: a ac b bd c d e f g h i k l m n o org p parti pp press r s t tm u w x y z
            sg: com edu gov idn net org per
            sn: art com edu gouv org perso univ
            sy: com edu gov mil net news org
            th: ac co go in mi net or
            tj: ac biz co com edu go gov info int mil name net nic org test web
            tn: agrinet com defense edunet ens fin gov ind info intl mincom nat net org perso rnrt rns rnu
            tn: tourism
            tz: ac co go ne or
            ua: biz cherkassy chernigov chernovtsy ck cn co com crimea cv dn dnepropetrovsk donetsk dp edu gov
            ua: if in kh kharkov kherson khmelnitskiy kiev kirovograd km kr ks kv lg lugansk lutsk lviv me mk
            ua: net nikolaev od odessa org pl poltava pp rovno rv sebastopol sumy te ternopil uzhgorod vinnica
            ua: vn zaporizhzhe zhitomir zp zt
            ug: ac co go ne or org sc
            uk: ac bl co cym gov govt icnet jet lea ltd me mil mod nel net nhs nic nls org orgn parliament plc
            uk: police sch scot soc
            us: 4fd dni fed isa kids nsn
            uy: com edu gub mil net org
            ve: co com edu gob info mil net org web
            vi: co com k12 net org
            vn: ac biz com edu gov health info int name net org pro
            ye: co com gov ltd me net org plc
            yu: ac co edu gov org
            za: ac agric alt bourse city co cybernet db edu gov grondar iaccess imt inca landesign law mil net
            za: ngo nis nom olivetti org pix school tm web
            zm: ac co com edu gov net org sch
            """;

    private static final Set<String> ALL = load();

    private SecondLevelDomains() {
    }

    static boolean contains(String domain) {
        return ALL.contains(domain);
    }

    private static Set<String> load() {
        Set<String> domains = new HashSet<>();
        for (String line : BY_TOP_LEVEL_DOMAIN.strip().split("\n")) {
            int colon = line.indexOf(':');
            String topLevel = line.substring(0, colon);
            for (String label : line.substring(colon + 1).trim().split(" ")) {
                domains.add(label + "." + topLevel);
            }
        }
        return Set.copyOf(domains);
    }
}
