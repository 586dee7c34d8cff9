import csv, math, sys, collections
def load(p):
    rows=list(csv.DictReader(open(p)))
    return rows
def summ(p, common=None):
    rows=load(p)
    seeds=collections.OrderedDict()
    out={}
    for lvl in ('0.01','0.001'):
        sq=[];inr=0;n=0;sqc=[];inrc=0;nc=0;sqall=[]
        for r in rows:
            if r['level']!=lvl: continue
            d=max(float(r['deployed_ratio']),0.05)
            ok=0.7<=d<=1.4
            if r['group']!='global' and int(r['held_out'])>0: sqall.append(math.log(d)**2)
            if r['in_goal']=='true':
                n+=1; inr+=ok; sq.append(math.log(d)**2)
                seeds.setdefault(r['seed'],True)
                if not ok: seeds[r['seed']]=False
            if common is not None and (r['seed'],r['group'],lvl) in common:
                nc+=1; inrc+=ok; sqc.append(math.log(d)**2)
        out[lvl]=(n,inr,math.sqrt(sum(sq)/len(sq)),nc,inrc,math.sqrt(sum(sqc)/len(sqc)) if sqc else float('nan'),math.sqrt(sum(sqall)/len(sqall)),len(sqall))
    met=[s for s,v in seeds.items() if v]
    print(f"{p}: seeds meeting goal {len(met)} of {len(seeds)} ({', '.join(met)})")
    for lvl,(n,inr,rms,nc,inrc,rmsc,rmsall,nall) in out.items():
        print(f"  @{lvl} in-goal: {inr}/{n} in range, rms {rms:.3f}; contexts in goal at 0.25 hold-out: {inrc}/{nc}, rms {rmsc:.3f}; all non-global: rms {rmsall:.3f} (n={nall})")
base=sys.argv[1]
common={(r['seed'],r['group'],r['level']) for r in load(base) if r['in_goal']=='true'}
for p in sys.argv[1:]: summ(p, common)
