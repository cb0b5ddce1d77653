-- CreateTable
CREATE TABLE "Ticket" ("id" SERIAL NOT NULL, "status" TEXT NOT NULL, CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Ticket_status_idx" ON "Ticket"("status");
CREATE TABLE "Archive" ("id" SERIAL NOT NULL, "note" TEXT, CONSTRAINT "Archive_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Archive_note_idx" ON "Archive"("note");
