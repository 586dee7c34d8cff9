import csv, math, sys
def load(p): return list(csv.DictReader(open(p)))
a=load(sys.argv[1]); b=load(sys.argv[2])
key=lambda r:(r['model'],r['group'],r['level'])
A={key(r):r for r in a}; B={key(r):r for r in b}
models=[]
for r in a:
    if r['model'] not in models: models.append(r['model'])
for lvl in ('0.01','0.001'):
    print(f"== level {lvl}")
    for m in models:
        sa=[];sb=[];ia=ib=na=nb=0;sbc=[];ibc=0
        for k,r in A.items():
            if k[0]!=m or k[2]!=lvl: continue
            s=B[k]
            ra=float(r['ratio']); rb=float(s['ratio'])
            if r['in_goal']=='true':
                na+=1; ia+=0.7<=ra<=1.4; sa.append(math.log(max(ra,0.05))**2)
                sbc.append(math.log(max(rb,0.05))**2); ibc+=0.7<=rb<=1.4
            if s['in_goal']=='true':
                nb+=1; ib+=0.7<=rb<=1.4; sb.append(math.log(max(rb,0.05))**2)
        f=lambda x: math.sqrt(sum(x)/len(x)) if x else float('nan')
        print(f"  {m}: s7 {ia}/{na} in goal rms {f(sa):.3f} | s8 {ib}/{nb} rms {f(sb):.3f} | s8 on s7's goal contexts {ibc}/{na} rms {f(sbc):.3f}")
print("per context @0.01 (held-out s7 -> s8 calibrating), ratio s7 -> s8")
for k,r in A.items():
    if k[2]!='0.01' and not (k[2]=='0.001' and k[1]=='global'): continue
    s=B[k]
    print(f"  {k[0][:18]:18s} {k[1]:32s} @{k[2]:5s} {r['held_out_records']:>6s} -> {s['held_out_records']:>6s}  x{float(r['ratio']):.2f} -> x{float(s['ratio']):.2f}  goal {r['in_goal'][0]}->{s['in_goal'][0]}  band s8 [{s['noise_band_low']},{s['noise_band_high']}]")
