import puppeteer from "puppeteer-core";
const b = await puppeteer.launch({executablePath:"/usr/bin/chromium", headless:true, args:["--no-sandbox"]});
const p = await b.newPage(); await p.setViewport({width:390,height:844});
for (const f of process.argv.slice(2)) {
await p.goto("file://"+f);
console.log(f, await p.evaluate(() => { const out=[document.documentElement.scrollWidth]; const w=document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n; while((n=w.nextNode())){ const r=document.createRange(); r.selectNodeContents(n); const b=r.getBoundingClientRect(); if(b.right>390.5) out.push(n.parentElement.tagName+"."+n.parentElement.className+": "+n.textContent.trim().slice(0,40)+" "+Math.round(b.right)); } return out.slice(0,8); }));
}
await b.close();
